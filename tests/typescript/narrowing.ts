// Compiled by tests/api/test_typescript_types.py against types generated from the served
// OpenAPI spec (openapi-typescript) and from /v1/schema/content.json (json-schema-to-typescript).
// `./section` is one of the section-*.ts files here, copied next to the generated types.
//
// Each branch of the switch reads a field only its kind has: it compiles only when `kind` is a
// literal discriminator the generated union narrows on. The `@ts-expect-error` lines read a
// field of another kind: they fail the compile ("unused directive") when the union collapses
// to a loose object or `any`. The `never` in the default fails when a kind is not handled.
import type { Section } from "./section";

type Severity = "low" | "moderate" | "high";
type FrequencyBand = "very_common" | "common" | "uncommon" | "rare" | "very_rare";

export function describe(section: Section): string {
  switch (section.kind) {
    case "intro":
    case "explainer":
      // @ts-expect-error a call to action is the conclusion's only
      section.call_to_action;
      return section.body;
    case "conclusion":
      return section.call_to_action?.url ?? section.body;
    case "benefits":
      // @ts-expect-error steps belong to what_to_expect
      section.steps;
      return section.items.map((item) => item.title).join(", ");
    case "what_to_expect":
      return section.steps.map((step) => step.body).join("\n");
    case "therapy_types": {
      // @ts-expect-error side effects belong to the safety section
      section.side_effects;
      const doses = section.therapies.map((therapy) => {
        const maximum: number | undefined = therapy.dose?.max;
        const unit: string | undefined = therapy.dose?.unit;
        return `${therapy.route ?? "none"}: ${maximum ?? "-"} ${unit ?? ""}`;
      });
      return doses.join("; ");
    }
    case "safety":
      // @ts-expect-error therapies belong to therapy_types
      section.therapies;
      return section.side_effects
        .map((effect) => {
          const band: FrequencyBand | null | undefined = effect.frequency;
          return `${effect.name} (${band ?? "unknown"}${effect.is_serious ? ", serious" : ""})`;
        })
        .join(", ");
    case "candidacy":
      return [...section.conditions, ...section.criteria].join(", ");
    case "contraindications":
      return section.contraindications
        .map((item) => `${item.name}${item.is_absolute ? "" : " (relative)"}`)
        .join(", ");
    case "interactions":
      return section.interactions
        .map((item) => {
          const severity: Severity = item.severity;
          return `${item.agent}: ${severity}`;
        })
        .join(", ");
    case "warnings": {
      // @ts-expect-error questions belong to the faq
      section.questions;
      const severities: Severity[] = section.warnings.map((warning) => warning.severity);
      return severities.join(", ");
    }
    case "faq":
      return section.questions.map((item) => `${item.question} ${item.answer}`).join("\n");
    default: {
      const _never: never = section;
      return _never;
    }
  }
}
