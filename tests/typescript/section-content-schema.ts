// The section union as a frontend takes it from `json-schema-to-typescript`'s output of
// /v1/schema/content.json (its root type is named after the schema's title).
import type { HealthContentArticle } from "./content";

export type Section = HealthContentArticle["sections"][number];
