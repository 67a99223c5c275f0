import { Testing } from "cdktf";
// Typings of cdktf's jest matchers (toHaveResourceWithProperties, ...).
import "cdktf/lib/testing/adapters/jest";

Testing.setupJest();
