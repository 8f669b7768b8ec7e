import { describe, expect, it } from "vitest";
import { QUERY_ENDPOINTS } from "../../src/endpoints";
import { buildRouter } from "../../src/index";
import { columnsDoc, openApiDocument } from "../../src/openapi";
import { QUERIES } from "../../src/queries/registry";

type Operation = {
  description: string;
  parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  responses: Record<string, unknown>;
};
type Doc = { openapi: string; paths: Record<string, { get: Operation }>; components: { securitySchemes: Record<string, unknown> } };

describe("OpenAPI document", () => {
  const doc = openApiDocument("https://polo.test") as unknown as Doc;

  it("is OpenAPI 3.1 with the Access header as its security scheme", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.cloudflareAccess).toMatchObject({ type: "apiKey", in: "header", name: "Cf-Access-Jwt-Assertion" });
  });

  it("describes every route the Worker serves, and only those", () => {
    const router = buildRouter();
    for (const path of Object.keys(doc.paths)) {
      expect(() => router.match(new Request(`https://polo.test${path}`)), path).not.toThrow();
    }
    expect(Object.keys(doc.paths).sort()).toEqual(
      ["/api/health", "/api/openapi.json", ...QUERY_ENDPOINTS.map((e) => e.path)].sort(),
    );
  });

  it.each(QUERY_ENDPOINTS.map((e) => [e.path, e] as const))("%s lists exactly the validated parameters", (path, endpoint) => {
    const operation = doc.paths[path]!.get;
    const names = operation.parameters.map((p) => p.name);
    const expected = [...Object.keys(QUERIES[endpoint.query].params), ...(endpoint.csv ? ["format"] : [])];
    expect(names.sort()).toEqual(expected.sort());
    for (const code of ["200", "400", "401", "403", "502", "504"]) expect(operation.responses, code).toHaveProperty(code);
  });

  it.each(QUERY_ENDPOINTS.map((e) => [e.path, e] as const))("%s describes its columns from the SQL header", (path, endpoint) => {
    const description = doc.paths[path]!.get.description;
    expect(description).toContain(`Named query: \`${endpoint.query}\``);
    expect(description).toMatch(/Columns: \S/);
  });

  it("documents the direct and shared parts of each customer's cost", () => {
    const description = doc.paths["/api/costs/by-customer"]!.get.description;
    expect(description).toMatch(/direct_effective_cost \(the cost of the customer's own resources\)/);
    expect(description).toMatch(/shared_effective_cost \(what shared-cost split rules moved to it/);
    expect(description).toContain("which sum exactly to effective_cost");
  });

  it("offers the cost basis on the decompositions only: delta/charges answers both bases", () => {
    for (const path of ["/api/delta/nodes", "/api/delta/resources"]) {
      const basis = doc.paths[path]!.get.parameters.find((p) => p.name === "basis");
      expect(basis?.schema, path).toEqual({ type: "string", enum: ["effective", "billed"], default: "effective" });
    }
    expect(doc.paths["/api/delta/charges"]!.get.parameters.map((p) => p.name)).not.toContain("basis");
  });

  it("extracts the Columns paragraph and stops at its end", () => {
    const sql = ["-- q: test", "--", "-- Columns: a, b (money),", "-- c.", "--", "-- Other.", "SELECT 1"].join("\n");
    expect(columnsDoc(sql)).toBe("a, b (money), c.");
    expect(columnsDoc("SELECT 1")).toBeUndefined();
  });

  it("states the limits a client will hit", () => {
    const resources = doc.paths["/api/resources"]!.get;
    expect(resources.parameters.find((p) => p.name === "limit")!.schema).toMatchObject({ minimum: 1, maximum: 1000 });
    expect(resources.parameters.find((p) => p.name === "sort")!.schema.enum).toContain("cost");
    const tree = doc.paths["/api/hierarchy/tree"]!.get;
    expect(tree.parameters.find((p) => p.name === "hierarchy")!.schema.enum).toEqual(["logical", "physical"]);
    expect(tree.responses).toHaveProperty("404");
    expect(doc.paths["/api/delta/events"]!.get.parameters.find((p) => p.name === "resource_id")!.required).toBe(true);
    const focus = doc.paths["/api/export/focus"]!.get;
    expect(focus.parameters.find((p) => p.name === "format")!.schema.enum).toEqual(["json", "csv", "parquet"]);
  });
});
