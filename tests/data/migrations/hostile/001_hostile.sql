CREATE TABLE "we""ird; DROP TABLE x --" (
    "col with spaces" text,
    "ünïcødé" varchar(10),
    "a'b" int,
    "semi;colon" text,
    "Mixed" text,
    plain TEXT
);
COMMENT ON COLUMN "we""ird; DROP TABLE x --"."a'b" IS 'it''s; -- not a comment /* nor this';
CREATE ROLE "Role ""Quoted""";
GRANT SELECT ("semi;colon"), SELECT ("col with spaces") ON "we""ird; DROP TABLE x --" TO "Role ""Quoted""";
