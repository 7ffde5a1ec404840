import { OPERATION_SECURITY_CASES } from '../fixtures/operations-security.cases.js';
import { ruleTable } from '../fixtures/rule-table.js';
import { OPERATION_SECURITY_RULES } from './operations-security.js';

ruleTable(OPERATION_SECURITY_RULES, OPERATION_SECURITY_CASES);
