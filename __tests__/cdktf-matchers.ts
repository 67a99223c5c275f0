// cdktf's jest matchers (toHaveResourceWithProperties, ...), registered by the tests that synthesize
// (through helpers.ts), so that tests that never touch cdktf do not pay for loading it.
import { Testing } from "cdktf";
// The matchers' typings.
import "cdktf/lib/testing/adapters/jest";

Testing.setupJest();
