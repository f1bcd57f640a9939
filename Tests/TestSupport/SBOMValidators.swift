/// The independent SBOM validators of TESTBED.md, installed by .ci/setup.sh.
public enum SBOMValidators {
    /// `pyspdxtools -i FILE`: exit 0 when the SPDX document is valid.
    public static func pyspdxtools(_ path: String) throws -> ToolResult {
        try Tool.run("pyspdxtools", ["-i", path])
    }

    /// `ntia-checker FILE`: prints `Conformant: True` for NTIA's minimum elements.
    public static func ntiaChecker(_ path: String) throws -> ToolResult {
        try Tool.run("ntia-checker", [path])
    }

    /// cyclonedx-python-lib's strict CycloneDX 1.6 JSON schema validator: exit 0 when valid.
    public static func cycloneDX(_ path: String) throws -> ToolResult {
        try Tool.run("python3", ["-c", """
            import sys
            from cyclonedx.schema import SchemaVersion
            from cyclonedx.validation.json import JsonStrictValidator
            error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())
            if error is not None:
                print(str(error)[:2000])
                sys.exit(1)
            """, path])
    }
}
