// renderHcl, the HCL writer of `npm run synth:hcl`: literal text escaped, template sequences kept, blocks,
// heredocs and the layout `terraform fmt` writes. The synthesized HCL of real configs (hcl2json of it = the
// JSON, terraform fmt -check, readable) is checked by real synths in hcl-output.e2e.test.ts.
import { quoted, renderHcl, templateParts } from "../../stacks/hcl-render";
import type { Json } from "../helpers";

describe("renderHcl", () => {
  it("escapes literal text for a quoted string and keeps template sequences as they are", () => {
    expect(quoted('a"b\\c\nd\te\u0007 é ✓')).toBe('"a\\"b\\\\c\\nd\\te\\u0007 é ✓"');
    expect(quoted('x ${lookup(m, "k\\"}")} $${lit} %%{lit} %{ if a }y%{ endif }')).toBe('"x ${lookup(m, "k\\"}")} $${lit} %%{lit} %{ if a }y%{ endif }"');
    expect(templateParts('a${f("}")}b$${c}')).toEqual([
      { literal: true, text: "a" },
      { literal: false, text: '${f("}")}' },
      { literal: true, text: "b$${c}" },
    ]);
  });

  it("writes blocks where the bindings say so, bare references, heredocs, literal descriptions, aligned `=`", () => {
    const config: Json = {
      "//": { metadata: {} },
      variable: { key: { type: "string", description: "a ${x} b\nsecond\n", sensitive: true } },
      locals: { script: "#!/bin/sh\n  indented\n\necho \"$HOME\" $${x}\n" },
      resource: {
        aws_instance: {
          web: {
            ami: "${data.aws_ami.x.id}",
            user_data: "${base64encode(local.script)}",
            tags: { Name: "web", "ha-site:role": "a\\b" },
            ebs_block_device: [{ device_name: "/dev/a" }, { device_name: "/dev/b" }],
            depends_on: ["aws_key_pair.k"],
            provisioner: [{ "remote-exec": { inline: ["echo a\n"], when: "destroy", connection: { host: "${self.public_ip}" } } }],
            lifecycle: { postcondition: [{ condition: "${self.id != \"\"}", error_message: "no id" }] },
          },
        },
      },
    };
    const hcl = renderHcl(config, new Set(["resource.aws_instance.ebs_block_device"]));
    expect(hcl).toBe(
      [
        'variable "key" {',
        "  type        = string",
        "  description = <<-EOT",
        "    a $${x} b",
        "    second",
        "  EOT",
        "  sensitive   = true",
        "}",
        "",
        "locals {",
        "  script = <<-EOT",
        "    #!/bin/sh",
        "      indented",
        "",
        '    echo "$HOME" $${x}',
        "  EOT",
        "}",
        "",
        'resource "aws_instance" "web" {',
        "  ami       = data.aws_ami.x.id",
        "  user_data = base64encode(local.script)",
        "  tags = {",
        "    Name           = \"web\"",
        '    "ha-site:role" = "a\\\\b"',
        "  }",
        "  depends_on = [aws_key_pair.k]",
        "",
        "  ebs_block_device {",
        '    device_name = "/dev/a"',
        "  }",
        "",
        "  ebs_block_device {",
        '    device_name = "/dev/b"',
        "  }",
        "",
        '  provisioner "remote-exec" {',
        "    inline = [<<-EOT",
        "      echo a",
        "    EOT",
        "    ]",
        "    when = destroy",
        "",
        "    connection {",
        "      host = self.public_ip",
        "    }",
        "  }",
        "",
        "  lifecycle {",
        "    postcondition {",
        '      condition     = self.id != ""',
        '      error_message = "no id"',
        "    }",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("keeps text that a heredoc cannot hold exactly in a quoted string", () => {
    const hcl = renderHcl({ locals: { a: "no newline\nat the end", b: "cr\r\n", c: "  all\n  indented\n", d: "EOT\n<<EOT\n" } });
    expect(hcl).toContain('  a = "no newline\\nat the end"\n');
    expect(hcl).toContain('  b = "cr\\r\\n"\n');
    // No line starts in column 0: "<<-" would strip the common indentation, so the heredoc is flush.
    expect(hcl).toContain("  c = <<EOT\n  all\n  indented\nEOT\n");
    // The marker must not appear as a line of the text.
    expect(hcl).toContain("  d = <<-EOT2\n    EOT\n    <<EOT\n  EOT2\n");
    // In a list of several, a heredoc could not take the comma after it: quoted.
    expect(renderHcl({ locals: { l: ["a\n", "b"] } })).toContain('  l = ["a\\n", "b"]\n');
  });
});

