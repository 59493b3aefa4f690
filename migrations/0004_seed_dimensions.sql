-- The five types most agencies use (PRODUCT §1); administrators rename or add their own. Aliases cover the
-- names some documents use (学习型 for 服务型, 效能型 for 实干型).
INSERT INTO dimensions (name, aliases, sort) VALUES
  ('政治型', '{}', 1),
  ('服务型', '{学习型}', 2),
  ('实干型', '{效能型}', 3),
  ('文明型', '{}', 4),
  ('廉洁型', '{}', 5)
ON CONFLICT (name) DO NOTHING;
