// ha-site: load the config, build the stacks, synthesize (JSON, or HCL with SYNTH_HCL_OUTPUT=true).
import { App } from "cdktf";
import { loadConfigOrExit } from "./config/load";
import { synthesize } from "./stacks/hcl-output";
import { buildSite } from "./stacks/site";

const config = loadConfigOrExit();
const app = new App();
buildSite(app, config);
synthesize(app);
