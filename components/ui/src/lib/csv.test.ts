import { csvField, toCsv } from "./csv";

describe("CSV", () => {
  it("quotes only what needs quoting and doubles quotes", () => {
    expect(csvField("acme")).toBe("acme");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe("");
    expect(toCsv(["a", "b"], [["1", "x\ny"]])).toBe('a,b\r\n1,"x\ny"\r\n');
  });
});
