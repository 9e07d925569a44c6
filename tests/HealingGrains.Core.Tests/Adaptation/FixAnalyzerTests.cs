using HealingGrains.Core.Adaptation;

namespace HealingGrains.Core.Tests.Adaptation;

public sealed class FixAnalyzerTests
{
    private static FixAnalysis Analyze(string before, string after, string? exceptionType = null) =>
        FixAnalyzer.Analyze([new SourceChange("Orders.cs", before, after)], "0123456789abcdef", exceptionType);

    [Fact]
    public void ARetryWithBackoffAroundANewCatchBecomesOneRuleMatchingTheCaughtType()
    {
        const string Before = """
            public async Task<Order> LoadAsync(int id) => await _db.Orders.FindAsync(id);
            """;
        const string After = """
            public async Task<Order> LoadAsync(int id)
            {
                for (var attempt = 1; ; attempt++)
                {
                    try { return await _db.Orders.FindAsync(id); }
                    catch (NpgsqlException) when (attempt < 4)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Pow(2, attempt)));
                    }
                }
            }
            """;

        var analysis = Analyze(Before, After);

        Assert.Equal(
            [(FixPatternKind.CatchAdded, "NpgsqlException"), (FixPatternKind.Retry, null), (FixPatternKind.Backoff, null)],
            analysis.Patterns.Select(p => (p.Kind, p.Detail)));
        var rule = Assert.Single(analysis.Behaviours);
        Assert.Equal(("enable-retry", "NpgsqlException", "exponential"), (rule.Kind, rule.ExceptionType, rule.Parameters["backoff"]));
        Assert.Empty(analysis.Flags);
        Assert.Empty(analysis.Rejected);
    }

    [Fact]
    public void ATimeoutChangedInAConnectionStringOrAPropertyIsFoundAndOneLeftAloneIsNot()
    {
        var analysis = Analyze(
            """var cs = "Host=db;Timeout=15;Maximum Pool Size=20"; command.CommandTimeout = 30; client.Timeout = TimeSpan.FromSeconds(5);""",
            """var cs = "Host=db;Timeout=60;Maximum Pool Size=100"; command.CommandTimeout = 120; client.Timeout = TimeSpan.FromSeconds(5);""");

        Assert.Equal(
            [(FixPatternKind.TimeoutChanged, "CommandTimeout"), (FixPatternKind.TimeoutChanged, "Timeout"), (FixPatternKind.PoolSize, "Maximum Pool Size")],
            analysis.Patterns.Select(p => (p.Kind, p.Detail)));
        Assert.All(analysis.Behaviours, b => Assert.Equal("configure", b.Kind));
    }

    [Fact]
    public void ANullGuardAndACatchAllAreRejectedWithTheirReasons()
    {
        var analysis = Analyze(
            "var name = customer.Address.City;",
            "try { var name = customer?.Address?.City ?? \"\"; } catch (Exception) { }");

        Assert.Empty(analysis.Behaviours);
        Assert.Contains(analysis.Rejected, r => r.Pattern.Kind == FixPatternKind.NullGuard && r.Reason.Contains("code defect", StringComparison.Ordinal));
        Assert.Contains(analysis.Rejected, r => r.Pattern is { Kind: FixPatternKind.CatchAdded, Detail: "Exception" } && r.Reason.Contains("catch-all", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Process.Start(\"systemctl\", \"restart app\");", SafetyFlag.ProcessStart)]
    [InlineData("File.Delete(path);", SafetyFlag.FileDeletion)]
    [InlineData("Directory.Delete(\"/tmp/cache\", recursive: true);", SafetyFlag.DirectoryDeletion)]
    [InlineData("var il = new DynamicMethod(\"x\", typeof(int), null).GetILGenerator();", SafetyFlag.ReflectionEmit)]
    [InlineData("var plugin = Assembly.LoadFrom(\"plugins/fix.dll\");", SafetyFlag.AssemblyLoading)]
    [InlineData("[DllImport(\"libc\")] static extern int kill(int pid, int sig);", SafetyFlag.PInvoke)]
    [InlineData("unsafe { byte* p = stackalloc byte[16]; }", SafetyFlag.UnsafeCode)]
    [InlineData("Environment.Exit(1);", SafetyFlag.EnvironmentExit)]
    [InlineData("using var s = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);", SafetyFlag.RawSocket)]
    [InlineData("var v = Registry.GetValue(@\"HKEY_LOCAL_MACHINE\\Software\\Shop\", \"Mode\", null);", SafetyFlag.Registry)]
    public void DangerousCodeIsFlaggedAndBlocksEveryRule(string code, SafetyFlag flag)
    {
        var analysis = Analyze("", "services.AddMemoryCache();\n" + code);

        Assert.Contains(analysis.Flags, f => f.Flag == flag);
        Assert.Empty(analysis.Behaviours);
        Assert.Contains(analysis.Rejected, r => r.Pattern.Kind == FixPatternKind.Caching && r.Reason.Contains(flag.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void AUnifiedDiffGivesEachFilesBeforeAndAfterFromItsHunks()
    {
        const string Diff = """
            diff --git a/src/A.cs b/src/A.cs
            --- a/src/A.cs
            +++ b/src/A.cs
            @@ -1,3 +1,3 @@
             class A
             {
            -    int T = 10;
            +    int T = 30;
            diff --git a/src/New.cs b/src/New.cs
            new file mode 100644
            --- /dev/null
            +++ b/src/New.cs
            @@ -0,0 +1,1 @@
            +class New { }
            """;

        var changes = UnifiedDiff.Parse(Diff);

        Assert.Equal(["src/A.cs", "src/New.cs"], changes.Select(c => c.Path));
        Assert.Contains("int T = 10;", changes[0].Before, StringComparison.Ordinal);
        Assert.DoesNotContain("int T = 30;", changes[0].Before, StringComparison.Ordinal);
        Assert.Contains("int T = 30;", changes[0].After, StringComparison.Ordinal);
        Assert.Equal("", changes[1].Before.Trim());
        Assert.Contains("class New", changes[1].After, StringComparison.Ordinal);

        Assert.Contains("a hunk line must start", Assert.Throws<FormatException>(() => UnifiedDiff.Parse("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n*bad\n")).Message, StringComparison.Ordinal);
        Assert.Contains("ends inside a hunk", Assert.Throws<FormatException>(() => UnifiedDiff.Parse("--- a/x\n+++ b/x\n@@ -1,5 +1,5 @@\n ok\n")).Message, StringComparison.Ordinal);
    }
}
