"""`migrate`: public schema, then the template, then every cooperative, in close to linear time.

Replaces django-tenants' migrate. Per cooperative it reads the applied migrations (one
query); a schema already at the template's state is skipped. Schemas that need work are
grouped by their applied set; each group computes the plan and renders the project states
once and applies them to every schema of the group, and the per-schema steps avoid
anything whose cost grows with the number of schemas (Django's has_table() scans the whole
catalogue): a new migration over 1,000 tenants costs about 1,000 times one schema, not more
(docs/performance.md).
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from django.apps import apps
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connection as default_connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ProjectState

from registry.models import Cooperative
from registry.schema_template import (
    applied_migrations,
    migrations_table_exists,
    schema_exists,
    template_capture,
    template_schema,
)
from registry.services import platform_tenant_ensure

# django-tenants' backend: set_schema(), set_schema_to_public(), schema_name.
connection: Any = default_connection


class Command(DjangoMigrate):
    help = "Migrate the public schema, the tenant template and every cooperative's schema."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--public-only", action="store_true", help="Migrate only the public schema."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("plan") or options.get("check_unapplied") or options.get("prune"):
            connection.set_schema_to_public()
            super().handle(*args, **options)
            return
        verbosity = int(options.get("verbosity", 1))
        started = time.monotonic()
        connection.set_schema_to_public()
        super().handle(*args, **options)
        platform_tenant_ensure()
        if options.get("public_only"):
            return
        self._migrate_template(*args, **options)
        template_applied = set(applied_migrations(template_schema()))
        template_capture()
        count, migrated = self._migrate_tenants(template_applied, verbosity, options)
        connection.set_schema_to_public()
        if verbosity:
            self.stdout.write(
                f"Cooperatives: {count} checked, {migrated} migrated, "
                f"{time.monotonic() - started:.1f}s in all"
            )

    def _migrate_template(self, *args: Any, **options: Any) -> None:
        name = template_schema()
        if not schema_exists(name):
            with connection.cursor() as cur:
                cur.execute(f'CREATE SCHEMA "{name}"')
        # django_migrations must be made inside the template, not found in public.
        connection.set_schema(name, include_public=False)
        MigrationRecorder(connection).ensure_schema()
        connection.set_schema(name)
        quiet = {**options, "verbosity": max(int(options.get("verbosity", 1)) - 1, 0)}
        super().handle(*args, **quiet)
        connection.set_schema_to_public()

    def _migrate_tenants(
        self, template_applied: set[tuple[str, str]], verbosity: int, options: dict[str, Any]
    ) -> tuple[int, int]:
        schemas = list(
            Cooperative.objects.exclude(schema_name="public")
            .exclude(status="archived")
            .order_by("pk")
            .values_list("schema_name", flat=True)
        )
        groups: dict[frozenset[tuple[str, str]], list[str]] = defaultdict(list)
        for schema in schemas:
            applied = frozenset(applied_migrations(schema))
            if applied != template_applied:
                groups[applied].append(schema)
        migrated = 0
        for group in groups.values():
            migrated += self._migrate_group(group, template_applied, verbosity, options)
        return len(schemas), migrated

    def _migrate_group(
        self,
        schemas: list[str],
        template_applied: set[tuple[str, str]],
        verbosity: int,
        options: dict[str, Any],
    ) -> int:
        """Bring every schema of one group (same applied set) to the template's state.

        Everything that does not depend on the schema is done once for the group: the
        loader and graph, the plan, the project states before each migration and after
        the last (rendered), and the pre_migrate signal, whose contenttypes receiver
        inserts operations into the plan's shared Migration objects (sent per schema, it
        would insert them again each time). Per schema: set the search path, apply or
        unapply the plan's migrations and record them, send post_migrate.
        """
        connection.set_schema(schemas[0])
        executor = MigrationExecutor(connection)  # its loader has schemas[0]'s records
        targets = _targets_for(executor, template_applied)
        plan = executor.migration_plan(targets)
        if len({backwards for _migration, backwards in plan}) > 1:
            raise CommandError(f"mixed forwards and backwards plan for {schemas[0]}")
        backwards = bool(plan) and plan[0][1]
        fake = bool(options.get("fake", False))
        fake_initial = bool(options.get("fake_initial", False))
        emit_pre_migrate_signal(0, False, connection.alias, apps=apps, plan=plan)
        if backwards:
            before, post_state = _states_backwards(executor, plan)
            ordered = [migration for migration, _backwards in plan]
        else:
            pre_state = _project_state(executor, with_applied=True)
            full_plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), True)
            to_run = {migration for migration, _backwards in plan}
            ordered = [migration for migration, _backwards in full_plan if migration in to_run]
            post_state = pre_state.clone()
            for migration in ordered:
                post_state = migration.mutate_state(post_state, preserve=False)
            pre_state.apps  # noqa: B018 -- rendered once; each schema gets a clone
        post_apps = post_state.apps
        for schema in schemas:
            connection.set_schema(schema)
            if verbosity:
                self.stdout.write(f"  {schema}: {len(plan)} migration(s)")
            executor.recorder = SchemaRecorder(connection)
            if plan:
                executor.recorder.ensure_schema()
            if backwards:
                for migration in ordered:
                    executor.unapply_migration(before[migration], migration, fake=fake)
            elif ordered:
                state = pre_state.clone()
                for migration in ordered:
                    state = executor.apply_migration(
                        state, migration, fake=fake, fake_initial=fake_initial
                    )
            executor.check_replacements()
            emit_post_migrate_signal(0, False, connection.alias, apps=post_apps, plan=plan)
        return len(schemas)


class SchemaRecorder(MigrationRecorder):
    """MigrationRecorder whose has_table() looks in the current schema only.

    Django's lists every table through django-tenants' introspection, a scan of the whole
    catalogue: about 11 ms a call at 1,000 schemas and growing with their number, which
    made applying one migration to N schemas cost O(N^2).
    """

    def __init__(self, connection: Any) -> None:
        super().__init__(connection)
        self._found = False

    def has_table(self) -> bool:
        if not self._found:
            tenant_connection: Any = self.connection
            self._found = migrations_table_exists(tenant_connection.schema_name)
        return self._found


def _project_state(executor: MigrationExecutor, *, with_applied: bool) -> ProjectState:
    """The executor's project state from the loader's graph (a private Django method)."""
    create = executor._create_project_state  # type: ignore[attr-defined]
    state: ProjectState = create(with_applied_migrations=with_applied)
    return state


def _states_backwards(
    executor: MigrationExecutor, plan: list[tuple[Migration, bool]]
) -> tuple[dict[Migration, ProjectState], ProjectState]:
    """For a backwards plan: the state before each migration to unapply (what
    MigrationExecutor._migrate_all_backwards computes for every schema) and the state
    after unapplying them all, both rendered once for the group."""
    to_run = {migration for migration, _backwards in plan}
    full_plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), True)
    graph = executor.loader.graph
    applied = {graph.nodes[key] for key in executor.loader.applied_migrations if key in graph.nodes}
    before: dict[Migration, ProjectState] = {}
    state = _project_state(executor, with_applied=False)
    for migration, _backwards in full_plan:
        if not to_run:
            break
        if migration in to_run:
            state.apps  # noqa: B018 -- render once
            before[migration] = state
            state = migration.mutate_state(state, preserve=True)
            to_run.remove(migration)
        elif migration in applied:
            migration.mutate_state(state, preserve=False)
    # After unapplying: the state before the last one unapplied, plus the migrations that
    # stay applied and come after it.
    last = plan[-1][0]
    remaining = applied - {migration for migration, _backwards in plan}
    post_state = before[last].clone()
    if "apps" in post_state.__dict__:
        del post_state.apps  # mutating rendered models is the expensive way
    found = False
    for migration, _backwards in full_plan:
        if migration == last:
            found = True
        elif found and migration in remaining:
            post_state = migration.mutate_state(post_state, preserve=False)
    return before, post_state


def _targets_for(
    executor: MigrationExecutor, template_applied: set[tuple[str, str]]
) -> list[tuple[str, str | None]]:
    """Targets that bring a schema to exactly the template's applied set."""
    graph = executor.loader.graph
    targets: list[tuple[str, str | None]] = []
    for app_label in sorted({key[0] for key in graph.nodes}):
        applied_here = [node for node in template_applied if node[0] == app_label]
        if not applied_here:
            targets.append((app_label, None))
            continue
        # The last applied node of the app: the one no other applied node of it depends on.
        leaves = [
            node
            for node in applied_here
            if not any(
                child in template_applied and child[0] == app_label
                for child in graph.node_map[node].children
            )
        ]
        targets.extend(leaves)
    return targets
