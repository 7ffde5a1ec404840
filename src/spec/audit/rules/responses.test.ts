import { RESPONSE_CASES } from '../fixtures/responses.cases.js';
import { ruleTable } from '../fixtures/rule-table.js';
import { RESPONSE_RULES } from './responses.js';

ruleTable(RESPONSE_RULES, RESPONSE_CASES);
