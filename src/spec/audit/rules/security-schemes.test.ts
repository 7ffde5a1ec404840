import { SECURITY_SCHEME_CASES } from '../fixtures/security-schemes.cases.js';
import { ruleTable } from '../fixtures/rule-table.js';
import { SECURITY_SCHEME_RULES } from './security-schemes.js';

ruleTable(SECURITY_SCHEME_RULES, SECURITY_SCHEME_CASES);
