import { SERVER_CASES } from '../fixtures/servers.cases.js';
import { ruleTable } from '../fixtures/rule-table.js';
import { SERVER_RULES } from './servers.js';

ruleTable(SERVER_RULES, SERVER_CASES);
