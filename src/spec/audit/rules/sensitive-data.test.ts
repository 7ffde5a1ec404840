import { SENSITIVE_DATA_CASES } from '../fixtures/sensitive-data.cases.js';
import { ruleTable } from '../fixtures/rule-table.js';
import { SENSITIVE_DATA_RULES } from './sensitive-data.js';

ruleTable(SENSITIVE_DATA_RULES, SENSITIVE_DATA_CASES);
