import type { TestProject } from "vitest/node";
import { startClickHouse, startWorker } from "../support/stack.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    clickhouseUrl: string;
    workerUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const clickhouse = await startClickHouse();
  let worker;
  try {
    worker = await startWorker(clickhouse.url);
  } catch (error) {
    clickhouse.stop();
    throw error;
  }
  project.provide("clickhouseUrl", clickhouse.url);
  project.provide("workerUrl", worker.url);
  return async () => {
    try {
      await worker.stop();
    } finally {
      clickhouse.stop();
    }
  };
}
