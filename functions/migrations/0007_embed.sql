-- Embedding on commune portals (public/embed.js): the web origins allowed to frame each agency's
-- embed page (`/nhung/{agency}`). The Worker sends exactly these in `frame-ancestors`; an agency
-- without a row cannot be embedded anywhere. Stored normalized (motcua_domain::embed).
CREATE TABLE embed_origins (
  agency_code TEXT NOT NULL REFERENCES agencies(code),
  origin      TEXT NOT NULL,             -- https://host[:port], lower case, no path
  PRIMARY KEY (agency_code, origin)
);
