// ha-site: load the config, build the stacks, synthesize (JSON, or HCL with SYNTH_HCL_OUTPUT=true).
import { App } from "cdktf";
import { describeConfigSource, loadSiteConfigOrExit } from "./config/load";
import { synthesize } from "./stacks/hcl-output";
import { buildSite } from "./stacks/site";

const { config, source } = loadSiteConfigOrExit();
// `npm run synth` (scripts/synth.mjs) prepares the output folder here: only once the config is valid.
(globalThis as { __haSiteSynth?: { configLoaded(line: string): void } }).__haSiteSynth?.configLoaded(describeConfigSource(source, config));
// cdktf's validations only run `terraform version` (once per terraform_data resource): synthesis must work
// without a terraform binary, and the README states the Terraform version needed.
const app = new App({ skipValidation: true, stackTraces: false });
buildSite(app, config);
synthesize(app);
