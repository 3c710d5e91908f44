/** One detected Kepler schema (`v0.3`, `v0.4-v0.9`, `v0.10+`) and the version its build-info metric reports (`unknown` if not known). */
export interface KeplerSchemaInfo {
  readonly schema: string;
  readonly version: string;
}
