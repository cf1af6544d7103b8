-- The catalog's version (issue 19, "cheaper requests"). Each Worker isolate keeps the reference
-- data it has read (the agency tree, the procedures an agency handles, fee schedules and the
-- provinces' own fee versions) in memory under this number, and reads only this one row to learn
-- whether what it holds is still current (functions/src/catalog/cache.rs). The triggers below
-- move it in the same statement as every change of those tables, whoever makes it: an
-- administrator through the back-office Worker (whose isolates share no memory with the public
-- Worker's), the national catalog's mapping, or the demo data loaded with `wrangler d1 execute`.
-- So no writer can forget to announce a change.
CREATE TABLE catalog_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 1);

CREATE TRIGGER catalog_version_agencies_insert AFTER INSERT ON agencies
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_version_agencies_update AFTER UPDATE ON agencies
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_version_agencies_delete AFTER DELETE ON agencies
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER catalog_version_procedures_insert AFTER INSERT ON procedures
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_version_procedures_update AFTER UPDATE ON procedures
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_version_procedures_delete AFTER DELETE ON procedures
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER catalog_version_agency_procedures_insert AFTER INSERT ON agency_procedures
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_version_agency_procedures_update AFTER UPDATE ON agency_procedures
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_version_agency_procedures_delete AFTER DELETE ON agency_procedures
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER catalog_version_fee_schedules_insert AFTER INSERT ON fee_schedules
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_version_fee_schedules_update AFTER UPDATE ON fee_schedules
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_version_fee_schedules_delete AFTER DELETE ON fee_schedules
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER catalog_version_province_fee_versions_insert AFTER INSERT ON province_fee_versions
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_version_province_fee_versions_update AFTER UPDATE ON province_fee_versions
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_version_province_fee_versions_delete AFTER DELETE ON province_fee_versions
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
