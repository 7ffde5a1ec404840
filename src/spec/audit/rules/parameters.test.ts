import { PARAMETER_CASES } from '../fixtures/parameters.cases.js';
import { ruleTable } from '../fixtures/rule-table.js';
import { PARAMETER_RULES } from './parameters.js';

ruleTable(PARAMETER_RULES, PARAMETER_CASES);
