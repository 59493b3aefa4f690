/** The organisation repository: what the admin API and the adapters call. All writes are audited in the same transaction. */
export type { WriteContext } from './org-common.js';
export { listUnits, getUnit, createUnit, updateUnit, deactivateUnit, type UnitView, type CreateUnitInput, type UpdateUnitInput } from './org-units.js';
export { listPeople, getPerson, findPersonByIdentity, personViews, type PersonView, type ListPeopleQuery } from './org-people-read.js';
export { createPerson, updatePerson, deactivatePerson, type CreatePersonInput, type UpdatePersonInput } from './org-people.js';
export { createOrgImportStore, readOrgSnapshot } from './org-import-store.js';
