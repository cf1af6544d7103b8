//! API integration tests: one binary, one real `wrangler dev` (workerd with local D1, R2,
//! Durable Objects and Queues) on a free loopback port with a fresh state, shared by the tests.

mod support;

mod callbacks;
mod dashboard;
mod activity;
mod archive;
mod auth;
mod backoffice;
mod bills;
mod catalog;
mod catalog_cache;
mod crash;
mod desk;
mod documents;
mod dossiers;
mod embed;
mod fees;
mod health;
mod indicators;
mod input;
mod messages;
mod money;
mod multipart;
mod national;
mod national_catalog;
mod national_login;
mod outreach_desk;
mod pages;
mod payments;
mod races;
mod signing;
mod shards;
mod signing_provider;
mod tenancy;
mod uploads;
