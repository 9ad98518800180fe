-- Logins made with `mwh users`: who they are for. Stewards carry the place whose
-- detail they may read (row-level security keys on this table); analysts and BI
-- logins carry none.
do $$
begin
    if not exists (select from pg_roles where rolname = 'steward') then
        create role steward nologin;
    end if;
end
$$;

create table if not exists ops.users (
    role_name name primary key,
    kind text not null check (kind in ('analyst', 'bi', 'steward')),
    -- a LAU code, or an ISO 3166 alpha-3 country, for a steward; null otherwise
    municipality text,
    country char(3),
    created_at timestamptz not null default now(),
    check ((kind = 'steward') = (num_nonnulls(municipality, country) = 1))
);

-- Until row-level security lands, a steward reads what a BI tool reads (the
-- published marts), never another municipality's detail.
grant bi_reader to steward;
