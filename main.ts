// ha-site: load the config, build the stacks, synthesize (JSON, or HCL with SYNTH_HCL_OUTPUT=true).
import { App } from "cdktf";
import { loadConfigOrExit } from "./config/load";
import { synthesize } from "./stacks/hcl-output";
import { buildSite } from "./stacks/site";

const config = loadConfigOrExit();
// cdktf's validations only run `terraform version` (once per terraform_data resource): synthesis must work
// without a terraform binary, and the README states the Terraform version needed.
const app = new App({ skipValidation: true, stackTraces: false });
buildSite(app, config);
synthesize(app);
