// validate.mjs — docs/api/openapi.yaml checked by a real OpenAPI 3.0
// validator (@apidevtools/swagger-parser: the schema of the specification,
// then every $ref resolved), plus what a generated client needs: an
// operationId on every operation, unique; a typed response schema (an
// object has properties) and an example on every success answer
// (scripts/dev/openapi_examples.py fills both from a real server).  Run by CTest as lint/openapi.
import SwaggerParser from "@apidevtools/swagger-parser";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const spec = path.join(root, "docs/api/openapi.yaml");
const problems = [];
let api;
try {
  api = await SwaggerParser.validate(spec);
} catch (e) {
  console.error(`openapi: ${spec} is not valid OpenAPI: ${e.message}`);
  process.exit(1);
}
const ids = new Map();
let ops = 0;
for (const [p, item] of Object.entries(api.paths)) {
  for (const m of ["get", "post", "put", "patch", "delete"]) {
    const op = item[m];
    if (!op) continue;
    ops++;
    const where = `${m.toUpperCase()} ${p}`;
    if (!op.operationId) problems.push(`${where}: no operationId`);
    else if (ids.has(op.operationId)) problems.push(`${where}: operationId ${op.operationId} also on ${ids.get(op.operationId)}`);
    else ids.set(op.operationId, where);
    const ok = Object.entries(op.responses || {}).filter(([code]) => /^2/.test(code));
    if (!ok.length) problems.push(`${where}: no 2xx response`);
    if (!op.responses?.default) problems.push(`${where}: no default (error) response`);
    for (const [code, r] of ok) {
      for (const [type, media] of Object.entries(r.content || {})) {
        const sc = media.schema;
        if (!sc) problems.push(`${where} ${code} ${type}: no schema`);
        else if (sc.type === "object" && !sc.properties && !sc.additionalProperties && !sc.allOf)
          problems.push(`${where} ${code} ${type}: an untyped object (no properties)`);
        if (media.example === undefined && !media.examples) problems.push(`${where} ${code} ${type}: no example`);
      }
    }
  }
}
if (problems.length) {
  console.error(problems.join("\n"));
  console.error(`openapi: ${problems.length} problems in ${ops} operations`);
  process.exit(1);
}
console.log(`openapi: valid, ${ops} operations, ${ids.size} operationIds`);
