using Atasker.Generators.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Atasker.Generators.Tests;

/// <summary>
/// The generator through Roslyn's source-generator test harness, as a consumer targeting .NET 8 builds it (reference
/// assemblies from Basic.Reference.Assemblies, no download): the generator reports nothing, and the code it writes
/// for every valid shape compiles without a single warning. The generated text itself is checked by the snapshot
/// tests.
/// </summary>
public sealed class GeneratorCompilationTests
{
    [Fact]
    public async Task Every_valid_task_shape_compiles_without_a_warning_on_net8()
    {
        await RunAsync(TestSources.ValidUses);
    }

    [Fact]
    public async Task Every_valid_worker_shape_compiles_without_a_warning_on_net8()
    {
        await RunAsync(TestSources.WorkerUses);
    }

    [Fact]
    public async Task Process_tasks_compile_without_a_warning_on_net8()
    {
        await RunAsync(ProcessGeneratorTests.Library);
    }

    private static Task RunAsync(string source)
    {
        var test = new CSharpSourceGeneratorTest<TaskGenerator, DefaultVerifier>
        {
            TestCode = source,
            ReferenceAssemblies = new ReferenceAssemblies("net8.0"),
            CompilerDiagnostics = CompilerDiagnostics.Warnings,
            TestBehaviors = TestBehaviors.SkipGeneratedSourcesCheck,
        };
        test.TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net80.References.All);
        test.TestState.AdditionalReferences.Add(Atasker.Testing.AtaskerReference.Metadata);
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            return solution
                .WithProjectParseOptions(projectId, ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Latest).WithDocumentationMode(DocumentationMode.Parse))
                .WithProjectCompilationOptions(projectId, ((CSharpCompilationOptions)project.CompilationOptions!).WithNullableContextOptions(NullableContextOptions.Enable).WithAllowUnsafe(true));
        });
        return test.RunAsync();
    }
}
