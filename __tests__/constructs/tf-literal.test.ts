// tfLiteral: a config string as a Terraform literal. Terraform's reading of the results is confirmed by
// __tests__/stacks/injection.test.ts (terraform plan) and by hand with a plain output (see the note there).
import { Testing, TerraformOutput, Token } from "cdktf";
import { tfLiteral, tfLiteralValues } from "../../constructs/tf-literal";

describe("tfLiteral", () => {
  it.each([
    ["plain text", "swarm", "swarm"],
    ["an interpolation", "${var.x}", "$${var.x}"],
    ["a directive", "%{if true}x%{endif}", "%%{if true}x%%{endif}"],
    ["a function call", '${file("/etc/hostname")}', '$${file("/etc/hostname")}'],
    ["text that already looks escaped (kept as the user wrote it)", "$${x}", "$$${x}"],
    ["a directive that looks escaped", "%%{x}", "%%%{x}"],
    ["lone $ and %, braces", "100% $5 {a} $ {b} % {c}", "100% $5 {a} $ {b} % {c}"],
    ["$ and % next to each other", "$%{x}", "$%%{x}"],
    ["many in a row", "${${%{", "$${$${%%{"],
    ["the empty string", "", ""],
  ])("%s", (_name, input, output) => {
    expect(tfLiteral(input)).toBe(output);
  });

  it("keeps cdktf tokens (references) and escapes the text around them", () => {
    const text = Testing.synthScope((scope) => {
      const ref = Token.asString({ resolve: () => "${var.real}" });
      new TerraformOutput(scope, "o", { value: tfLiteral(`${"${var.config}"}-${ref}-%{x}`) });
    });
    expect(JSON.parse(text).output.o.value).toBe("$${var.config}-${var.real}-%%{x}");
  });

  it("escapes the values of a map, not its keys", () => {
    expect(tfLiteralValues({ KeyName: "${k}", Extra: "%{x}", Plain: "p" })).toEqual({ KeyName: "$${k}", Extra: "%%{x}", Plain: "p" });
  });
});

describe("the compatibility names (constructs/terraform-literal.ts)", () => {
  it("are the same function", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compat = require("../../constructs/terraform-literal") as typeof import("../../constructs/terraform-literal");
    const ref = Token.asString({ resolve: () => "${var.real}" });
    for (const text of ["${a}%{b}", `x-${ref}-\${y}`, "plain"]) {
      expect(compat.terraformLiteral(text)).toBe(tfLiteral(text));
      expect(compat.escapeTemplate(text)).toBe(tfLiteral(text));
    }
    expect(compat.terraformLiteral(undefined)).toBeUndefined();
    expect(compat.terraformLiterals({ K: "${k}" })).toEqual({ K: "$${k}" });
    expect(compat.terraformLiterals(undefined)).toBeUndefined();
  });
});
