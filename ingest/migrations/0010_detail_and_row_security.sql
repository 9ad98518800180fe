-- Exact municipal figures live in `detail` (dbt builds it as transformer): no reader
-- role may select there but `steward`, and row-level security (dbt's post-hook
-- steward_row_security) gives a steward only its own place's rows.
create schema if not exists detail;
grant usage on schema detail to steward;

-- The places of the session's role: what the policies look up. Owned by the migrating
-- role, so a steward reads access.users only through it; current_user is the querying
-- role (a view does not change it), and membership is by the role's oid, so a login
-- dropped by hand breaks nothing.
create or replace view access.steward_places as
select
    users.municipality,
    users.country
from access.users as users
inner join pg_roles as roles on users.role_name = roles.rolname
where
    users.kind = 'steward'
    and pg_has_role(current_user, roles.oid, 'member');

-- transformer names the view in the policies it creates; only stewards read it.
grant usage on schema access to steward, transformer;
grant select on access.steward_places to steward;
