import { SCHEMA_CASES } from '../fixtures/schemas.cases.js';
import { ruleTable } from '../fixtures/rule-table.js';
import { SCHEMA_RULES } from './schemas.js';

ruleTable(SCHEMA_RULES, SCHEMA_CASES);
