-- Issue #19: a procedure's lĩnh vực (field), as the national catalogue groups procedures ("Hộ
-- tịch", "Chứng thực", …), so that searching "hộ tịch" finds khai sinh, khai tử and kết hôn.
-- functions/seed/data/procedures.csv carries it for fresh states; the updates below fill it in
-- for a database seeded before this column existed (national procedure codes, SOURCES.md).
ALTER TABLE procedures ADD COLUMN field TEXT NOT NULL DEFAULT '';
UPDATE procedures SET field = 'Chứng thực' WHERE code IN ('2.000815', '2.000884', '2.001035');
UPDATE procedures SET field = 'Hộ tịch' WHERE code IN ('1.001193', '1.000894', '1.000656', '2.000635', '1.004873');
UPDATE procedures SET field = 'Đăng ký, quản lý cư trú' WHERE code = '1.004222';
UPDATE procedures SET field = 'Đất đai' WHERE code = '1.013831';
