import type { Sql } from "postgres";

/**
 * The OpenAPI (Swagger 2.0) description PostgREST serves at `/rest/v1/`, built from the
 * catalog. Lite 0.10 answers that path with a document that has no paths or definitions, so
 * the gateway serves this one in its place (stack-gaps test "OpenAPI"). It follows PostgREST's
 * layout: a path per table, view and function; a definition per table and view whose property
 * descriptions are the column comments; shared parameters for filters, bodies and `Prefer`.
 */

interface ColumnRow {
  relation: string;
  relation_comment: string | null;
  column_name: string;
  type: string;
  base_type: string;
  category: string;
  not_null: boolean;
  default_value: string | null;
  generated: boolean;
  is_pk: boolean;
  fk: string | null;
  column_comment: string | null;
  enum_values: string[] | null;
  can_insert: boolean;
  can_update: boolean;
  can_delete: boolean;
}

interface FunctionRow {
  name: string;
  comment: string | null;
  arg_names: string[] | null;
  arg_types: string[] | null;
  arg_categories: string[] | null;
  arg_count: number;
  arg_defaults: number;
  volatile: string;
}

type Schema = Record<string, unknown>;

/** JSON Schema type for a Postgres type category (pg_type.typcategory). */
function jsonType(category: string, baseType: string): Schema {
  if (baseType === "json" || baseType === "jsonb") return {};
  switch (category) {
    case "N":
      return { type: /int|serial/.test(baseType) ? "integer" : "number" };
    case "B":
      return { type: "boolean" };
    case "A":
      return { type: "array", items: { type: "string" } };
    default:
      return { type: "string" };
  }
}

export async function buildOpenApi(sql: Sql, schema: string, role: string, host: string): Promise<Schema> {
  const columns = await sql<ColumnRow[]>`
    select c.relname as relation, obj_description(c.oid, 'pg_class') as relation_comment,
           a.attname as column_name, format_type(a.atttypid, a.atttypmod) as type,
           coalesce(bt.typname, t.typname) as base_type, coalesce(bt.typcategory, t.typcategory) as category,
           a.attnotnull as not_null, pg_get_expr(d.adbin, d.adrelid) as default_value,
           (a.attgenerated <> '' or a.attidentity = 'a') as generated,
           exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.contype = 'p' and a.attnum = any (k.conkey)) as is_pk,
           (select format('%s.%s', fc.relname, fa.attname)
              from pg_constraint k
              join pg_class fc on fc.oid = k.confrelid
              join pg_attribute fa on fa.attrelid = k.confrelid and fa.attnum = k.confkey[1]
             where k.conrelid = c.oid and k.contype = 'f' and k.conkey = array[a.attnum] limit 1) as fk,
           col_description(c.oid, a.attnum) as column_comment,
           case when t.typtype = 'e' then array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder) end as enum_values,
           has_table_privilege(${role}, c.oid, 'insert') as can_insert,
           has_table_privilege(${role}, c.oid, 'update') as can_update,
           has_table_privilege(${role}, c.oid, 'delete') as can_delete
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      join pg_type t on t.oid = a.atttypid
      left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
      left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
     where n.nspname = ${schema} and c.relkind in ('r', 'p', 'v', 'm', 'f')
       and has_any_column_privilege(${role}, c.oid, 'select')
     order by c.relname, a.attnum`;

  const functions = await sql<FunctionRow[]>`
    select p.proname as name, obj_description(p.oid, 'pg_proc') as comment,
           p.proargnames[1:p.pronargs] as arg_names,
           array(select format_type(x, null) from unnest(p.proargtypes) x) as arg_types,
           array(select t.typcategory::text from unnest(p.proargtypes) x join pg_type t on t.oid = x) as arg_categories,
           p.pronargs as arg_count, p.pronargdefaults as arg_defaults, p.provolatile as volatile
      from pg_proc p
      join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = ${schema} and p.prokind = 'f'
       and p.prorettype <> 'trigger'::regtype
       and has_function_privilege(${role}, p.oid, 'execute')
     order by p.proname`;

  const ref = (name: string) => ({ $ref: `#/parameters/${name}` });
  const paths: Record<string, Schema> = {
    "/": {
      get: {
        produces: ["application/openapi+json", "application/json"],
        responses: { 200: { description: "OK" } },
        summary: "OpenAPI description (this document)",
        tags: ["Introspection"],
      },
    },
  };
  const definitions: Record<string, Schema> = {};
  const parameters: Record<string, Schema> = {
    preferParams: { name: "Prefer", description: "Preference", required: false, enum: ["params=single-object"], in: "header", type: "string" },
    preferReturn: { name: "Prefer", description: "Preference", required: false, enum: ["return=representation", "return=minimal", "return=none"], in: "header", type: "string" },
    preferCount: { name: "Prefer", description: "Preference", required: false, enum: ["count=none"], in: "header", type: "string" },
    preferPost: {
      name: "Prefer", description: "Preference", required: false, in: "header", type: "string",
      enum: ["return=representation", "return=minimal", "return=none", "resolution=ignore-duplicates", "resolution=merge-duplicates"],
    },
    select: { name: "select", description: "Filtering Columns", required: false, in: "query", type: "string" },
    on_conflict: { name: "on_conflict", description: "On Conflict", required: false, in: "query", type: "string" },
    order: { name: "order", description: "Ordering", required: false, in: "query", type: "string" },
    range: { name: "Range", description: "Limiting and Pagination", required: false, in: "header", type: "string" },
    rangeUnit: { name: "Range-Unit", description: "Limiting and Pagination", required: false, default: "items", in: "header", type: "string" },
    offset: { name: "offset", description: "Limiting and Pagination", required: false, in: "query", type: "string" },
    limit: { name: "limit", description: "Limiting and Pagination", required: false, in: "query", type: "string" },
  };

  const byRelation = new Map<string, ColumnRow[]>();
  for (const c of columns) byRelation.set(c.relation, [...(byRelation.get(c.relation) ?? []), c]);

  for (const [relation, cols] of byRelation) {
    const first = cols[0]!;
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    const filters: Schema[] = [];
    for (const c of cols) {
      const notes = [
        c.is_pk ? "Note:\nThis is a Primary Key.<pk/>" : null,
        c.fk ? `Note:\nThis is a Foreign Key to \`${c.fk}\`.<fk table='${c.fk.split(".")[0]}' column='${c.fk.split(".")[1]}'/>` : null,
      ].filter(Boolean);
      const description = [c.column_comment, ...notes].filter(Boolean).join("\n\n");
      properties[c.column_name] = {
        ...(c.default_value !== null ? { default: c.default_value } : {}),
        ...(description ? { description } : {}),
        ...(c.enum_values ? { enum: c.enum_values } : {}),
        format: c.type,
        ...jsonType(c.category, c.base_type),
      };
      if (c.not_null && c.default_value === null && !c.generated) required.push(c.column_name);
      const filter = `rowFilter.${relation}.${c.column_name}`;
      parameters[filter] = { name: c.column_name, required: false, format: c.type, in: "query", type: "string" };
      filters.push(ref(filter));
    }
    definitions[relation] = {
      ...(first.relation_comment ? { description: first.relation_comment } : {}),
      ...(required.length ? { required } : {}),
      properties,
      type: "object",
    };
    parameters[`body.${relation}`] = { name: relation, description: relation, required: false, in: "body", schema: { $ref: `#/definitions/${relation}` } };

    const tags = [relation];
    const summary = first.relation_comment ?? undefined;
    const ops: Schema = {
      get: {
        parameters: [...filters, ref("select"), ref("order"), ref("range"), ref("rangeUnit"), ref("offset"), ref("limit"), ref("preferCount")],
        responses: { 200: { description: "OK", schema: { items: { $ref: `#/definitions/${relation}` }, type: "array" } }, 206: { description: "Partial Content" } },
        summary, tags,
      },
    };
    if (first.can_insert) {
      ops.post = { parameters: [ref(`body.${relation}`), ref("select"), ref("preferPost"), ref("on_conflict")], responses: { 201: { description: "Created" } }, summary, tags };
    }
    if (first.can_update) {
      ops.patch = { parameters: [...filters, ref(`body.${relation}`), ref("preferReturn")], responses: { 204: { description: "No Content" } }, summary, tags };
    }
    if (first.can_delete) {
      ops.delete = { parameters: [...filters, ref("preferReturn")], responses: { 204: { description: "No Content" } }, summary, tags };
    }
    paths[`/${relation}`] = ops;
  }

  for (const f of functions) {
    const names = f.arg_names ?? [];
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    (f.arg_types ?? []).forEach((type, i) => {
      const name = names[i] || `arg${i + 1}`;
      properties[name] = { format: type, ...jsonType(f.arg_categories?.[i] ?? "S", type) };
      if (i < f.arg_count - f.arg_defaults) required.push(name);
    });
    const args = { name: "args", required: true, in: "body", schema: { ...(required.length ? { required } : {}), properties, type: "object" } };
    const tags = [`(rpc) ${f.name}`];
    const summary = f.comment ?? undefined;
    const post = { parameters: [args, ref("preferParams")], responses: { 200: { description: "OK" } }, summary, tags };
    const query = Object.entries(properties).map(([name, p]) => ({ name, in: "query", required: required.includes(name), ...p }));
    paths[`/rpc/${f.name}`] = f.volatile === "v" ? { post } : { get: { parameters: query, responses: { 200: { description: "OK" } }, summary, tags }, post };
  }

  return {
    swagger: "2.0",
    info: { description: "", title: `standard ${schema} schema`, version: "12.2" },
    host,
    basePath: "/rest/v1/",
    schemes: ["http"],
    consumes: ["application/json", "application/vnd.pgrst.object+json;nulls=stripped", "application/vnd.pgrst.object+json", "text/csv"],
    produces: ["application/json", "application/vnd.pgrst.object+json;nulls=stripped", "application/vnd.pgrst.object+json", "text/csv"],
    paths,
    definitions,
    parameters,
    externalDocs: { description: "PostgREST Documentation", url: "https://postgrest.org/en/v12/references/api.html" },
  };
}
