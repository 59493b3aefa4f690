/** The plan repository: importing a plan (工作要点 / 实施方案) and reading plans, trees and assignments. */
export { importPlan, defaultPlanYear, type ImportPlanInput, type PlanImportReport, type PlanTreeSummary, type AssignMode } from './plans-import.js';
export {
  loadDimensionConfig, listPlans, getPlanTree, listAssignmentsForUnit, type PlanSummary, type PlanTree, type PlanTreeNode, type UnitAssignment,
} from './plans-read.js';
export { desiredItems, listKindOf, type DesiredItem, type ItemLevel, type ListKind } from './plans-desired.js';
