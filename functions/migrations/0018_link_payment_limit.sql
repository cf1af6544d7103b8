-- Bills made through public payment links, per client address (bill::LINK_BILLS_PER_IP in
-- LINK_WINDOW): a link is open to anyone, so nobody may fill the bills table through it.
CREATE TABLE link_bill_starts (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  ip_hash TEXT NOT NULL,
  at      INTEGER NOT NULL
);
CREATE INDEX link_bill_starts_by_ip ON link_bill_starts(ip_hash, at);
