/**
 * The API's paths, generated from ../openapi.yaml (`npm run gen:api` → schema.d.ts). Nothing here is
 * hand-written: every request and response type the app uses comes from the spec.
 */
export type { paths } from "./schema";
