// The section union as a frontend takes it from `openapi-typescript`'s output of
// /schema/openapi.json: an article's `sections`, and the single-section endpoint's body.
import type { components, paths } from "./api";

export type Section = components["schemas"]["Article"]["sections"][number];

type OneSection =
  paths["/v1/articles/{slug}/sections/{key}"]["get"]["responses"][200]["content"]["application/json"];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const oneSectionIsASection: Same<OneSection, Section> = true;
