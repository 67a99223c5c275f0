// ha-site: load the config, build the stacks, synthesize.
import { App } from "cdktf";
import { loadConfigOrExit } from "./config/load";
import { buildSite } from "./stacks/site";

const config = loadConfigOrExit();
const app = new App();
buildSite(app, config);
app.synth();
