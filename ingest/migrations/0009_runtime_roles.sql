-- The pipeline runs as loader and transformer (ingest/roles.py), each the owner of the
-- schemas it writes; ownership moves on every migrate (ingest.roles.ensure_runtime_roles),
-- with whatever an older version built in them. Who may read which municipality's
-- detail must not live in a schema loader owns (a schema's owner may drop anything in
-- it): the logins move to `access`, which only the migrating role owns.
create schema if not exists access;
alter table ops.users set schema access;
