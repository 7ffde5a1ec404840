import { INVENTORY_CASES } from '../fixtures/inventory.cases.js';
import { ruleTable } from '../fixtures/rule-table.js';
import { INVENTORY_RULES } from './inventory.js';

ruleTable(INVENTORY_RULES, INVENTORY_CASES);
