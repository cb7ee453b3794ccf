using Atasker.Testing;
using Atasker.Generators.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Atasker.Generators.Tests;

/// <summary>Compiles test sources against the running framework and Atasker, and runs the generator over them.</summary>
internal static class GeneratorHarness
{
    public static CSharpParseOptions ParseOptions => TestCompilation.ParseOptions;

    public static CSharpCompilation Compile(params string[] sources) => TestCompilation.Compile(sources);

    public static CSharpCompilation Compile(CSharpParseOptions options, params string[] sources) => TestCompilation.Compile(options, sources);

    public static GeneratorDriver CreateDriver(CSharpParseOptions? options = null) =>
        CSharpGeneratorDriver.Create(
            [new TaskGenerator().AsSourceGenerator()],
            parseOptions: options ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the compilation with the generated files and the driver for a second run.</summary>
    public static (Compilation Output, GeneratorDriver Driver) Run(Compilation input, GeneratorDriver? driver = null)
    {
        var next = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        return (output, next);
    }

    /// <summary>The generated files by hint name.</summary>
    public static IReadOnlyDictionary<string, string> Generated(GeneratorDriver driver) =>
        driver.GetRunResult().Results.Single().GeneratedSources
            .ToDictionary(source => source.HintName, source => source.SourceText.ToString());

    public static string[] Problems(Compilation compilation) => TestCompilation.Problems(compilation);
}
