using Atasker.Analyzers;
using Atasker.Generators.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Atasker.Analyzers.Tests;

/// <summary>
/// Roslyn's testing libraries set up as a consumer project is: the generator runs first (as in <c>dotnet build</c>),
/// against .NET 8 reference assemblies from a restored package (Basic.Reference.Assemblies, no download while testing),
/// with C# latest, nullable on and unsafe allowed. Expected diagnostics are marked in the code: <c>{|ATSK0001:Build|}</c>
/// means ATSK0001 exactly on <c>Build</c>, and any diagnostic not marked fails the test.
/// </summary>
internal static class Verify
{
    /// <summary>The marked diagnostics, and no other, from the analyzers; compiler diagnostics are not compared (a
    /// mistake such as a method without a body is also a compiler error).</summary>
    public static Task AnalyzerAsync(string markup)
    {
        var test = new AnalyzerTest { TestCode = markup, CompilerDiagnostics = CompilerDiagnostics.None };
        return test.RunAsync();
    }

    /// <summary>
    /// Applies <typeparamref name="TFix"/> to the marked diagnostics until none is left, one at a time and with Fix All in
    /// the document, the project and the solution, and compares each result with <paramref name="fixedCode"/>, which
    /// must compile without a warning (the generator's output included). Compiler diagnostics of the code before the fix
    /// are marked too.
    /// </summary>
    /// <param name="markup">The code, with the diagnostics it has marked.</param>
    /// <param name="fixedCode">The code every way of fixing it must end with.</param>
    /// <param name="iterations">How many fixes one at a time take to get there (one per diagnostic it fixes).</param>
    public static Task CodeFixAsync<TFix>(string markup, string fixedCode, int iterations = 1)
        where TFix : CodeFixProvider, new()
    {
        var test = new CodeFixTest<TFix>
        {
            TestCode = markup,
            FixedCode = fixedCode,
            CompilerDiagnostics = CompilerDiagnostics.Warnings,
            NumberOfIncrementalIterations = iterations,
            NumberOfFixAllIterations = 1, // Fix All fixes every marked diagnostic of its scope at once
        };
        return test.RunAsync();
    }

    /// <summary>Configures a test of either kind.</summary>
    private static void Configure<TVerifier>(AnalyzerTest<TVerifier> test)
        where TVerifier : IVerifier, new()
    {
        test.ReferenceAssemblies = new ReferenceAssemblies("net8.0");
        test.TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net80.References.All);
        test.TestState.AdditionalReferences.Add(Atasker.Testing.AtaskerReference.Metadata);

        // The generator's files are checked by the snapshot tests, not here.
        test.TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            return solution
                .WithProjectParseOptions(projectId, ((CSharpParseOptions)project.ParseOptions!)
                    .WithLanguageVersion(LanguageVersion.Latest)
                    .WithDocumentationMode(DocumentationMode.Parse)) // a consumer without documentation files
                .WithProjectCompilationOptions(projectId, ((CSharpCompilationOptions)project.CompilationOptions!)
                    .WithNullableContextOptions(NullableContextOptions.Enable)
                    .WithAllowUnsafe(true));
        });
    }

    private sealed class AnalyzerTest : CSharpAnalyzerTest<BackgroundTaskAnalyzer, DefaultVerifier>
    {
        public AnalyzerTest() => Configure(this);

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(TaskGenerator)];
    }

    private sealed class CodeFixTest<TFix> : CSharpCodeFixTest<BackgroundTaskAnalyzer, TFix, DefaultVerifier>
        where TFix : CodeFixProvider, new()
    {
        public CodeFixTest() => Configure(this);

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(TaskGenerator)];
    }
}
