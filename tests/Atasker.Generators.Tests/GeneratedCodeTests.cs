using Microsoft.CodeAnalysis;

namespace Atasker.Generators.Tests;

public sealed class GeneratedCodeTests
{
    private static readonly string[] Methods =
    [
        "Demo.Reports.Build(int)",
        "Demo.Reports.Log(string)",
        "Demo.Reports.CountAsync(int,System.Threading.CancellationToken)",
        "Demo.Reports.Describe(int,string_,Atasker.TaskPriority,double,int[])",
        "Demo.Reports.Echo`1(T)",
        "Demo.Reports.Nothing",
        "Demo.Reports.Sum(int,int)",
        "Demo.Reports.Sum(double,double)",
        "Demo.Reports.Defined(int)",
        "Demo.Feeds.FetchAsync(string,System.Threading.CancellationToken)",
        "Demo.Feeds.PingAsync(int)",
        "Demo.Feeds.Parse(string)",
        "Demo.Feeds.FlushAsync",
        "Demo.Feeds.CrunchAsync(int)",
        "Demo.Feeds.EchoAsync`1(T)",
        "Demo.Outer.Box`1.Unwrap(T,System.Threading.CancellationToken)",
        "Demo.Invoice.Total(int)",
        "Demo.Point.Length",
        "Demo.Counter.Read",
        "Demo.Extensions.Twice(int)",
        "Demo.Keywords.class(int,string)",
        "GlobalType.Eight(int,int,int,int,int,int,int,int)",
    ];

    public static TheoryData<string> ExpectedFiles => new(Methods);

    [Fact]
    public void Generated_code_compiles_with_no_warnings_or_errors()
    {
        var (output, _) = GeneratorHarness.Run(GeneratorHarness.Compile(TestSources.ValidUses));

        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Fact]
    public void Every_valid_method_gets_exactly_one_file()
    {
        var (_, driver) = GeneratorHarness.Run(GeneratorHarness.Compile(TestSources.ValidUses));

        var expected = Methods.Select(SafeName).Order();
        var actual = GeneratorHarness.Generated(driver).Keys.Select(hint => hint[..^".g.cs".Length]).Order();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(ExpectedFiles))]
    public void Generated_text_matches_the_snapshot(string method)
    {
        var (_, driver) = GeneratorHarness.Run(GeneratorHarness.Compile(TestSources.ValidUses));
        var name = SafeName(method);

        Snapshot.Verify(name, GeneratorHarness.Generated(driver)[name + ".g.cs"]);
    }

    // The defining declarations carry no comment of their own: the compiler takes the user's, from the implementation
    // (and reports CS1591 there when the user wrote none). The launchers are documented by the generator.
    [Fact]
    public void Generated_launchers_are_documented()
    {
        var options = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
        var (output, _) = GeneratorHarness.Run(GeneratorHarness.Compile(options, TestSources.ValidUses), GeneratorHarness.CreateDriver(options));

        var missing = output.GetDiagnostics()
            .Where(diagnostic => diagnostic.Id is "CS1591" or "CS1573" && diagnostic.GetMessage().Contains(".Start", StringComparison.Ordinal))
            .Select(diagnostic => diagnostic.ToString())
            .ToList();
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    private static string SafeName(string method) =>
        new string(method.Select(c => char.IsLetterOrDigit(c) || c is '.' or '_' ? c : '_').ToArray()).TrimEnd('_');
}
