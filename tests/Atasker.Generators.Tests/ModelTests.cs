using Atasker.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Atasker.Generators.Tests;

public sealed class ModelTests
{
    [Fact]
    public void Models_hold_no_roslyn_objects()
    {
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>([typeof(TaskMethodModel)]);
        while (pending.TryDequeue(out var type))
        {
            if (!seen.Add(type))
            {
                continue;
            }

            Assert.False(
                type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true,
                $"{type} is a Roslyn type: models must hold only strings and values, or caching breaks.");

            foreach (var property in type.GetProperties())
            {
                pending.Enqueue(property.PropertyType);
                foreach (var argument in property.PropertyType.GenericTypeArguments)
                {
                    pending.Enqueue(argument);
                }
            }
        }
    }

    [Fact]
    public void Equal_sources_give_equal_models_across_compilations()
    {
        var models = Enumerable.Range(0, 2)
            .Select(_ => GeneratorHarness.Run(GeneratorHarness.Compile(TestSources.ValidUses)).Driver.GetRunResult().Results.Single()
                .TrackedSteps[TrackingNames.ValidTaskMethods].SelectMany(step => step.Outputs).Select(output => (TaskMethodModel)output.Value).ToList())
            .ToList();

        Assert.Equal(models[0], models[1]);
        Assert.Equal(models[0].Select(model => model.GetHashCode()), models[1].Select(model => model.GetHashCode()));
    }

    // The compiler runs analyzers only on a compilation without errors. So for a method with an ATSK error the
    // generator still writes its declaration and launchers that throw: the ATSK error stays the one message.
    [Theory]
    [InlineData("NotPartialMethod", "[BackgroundTask] public int M() => 1; void Call() => StartM();")]
    [InlineData("ByRef", "[BackgroundTask] public partial void M(ref int x, out int y) { y = x; } void Call() { int a = 1; StartM(ref a, out var b); }")]
    [InlineData("Spans", "[BackgroundTask] public partial void M(System.Span<int> x) { }")]
    [InlineData("Pointers", "[BackgroundTask] public unsafe partial void M(int* x) { }")]
    [InlineData("RefReturn", "int _x; [BackgroundTask] public partial ref int M() => ref _x;")]
    [InlineData("SpanReturn", "[BackgroundTask] public partial System.Span<int> M() => default;")]
    [InlineData("AsyncVoid", "[BackgroundTask] public async partial void M() => await System.Threading.Tasks.Task.Yield();")]
    [InlineData("Delays", "[BackgroundTask(Delay = -1)] public partial void M() { } void Call() => StartM(null);")]
    [InlineData("Clash", "[BackgroundTask] public partial void M() { } public void StartM() { }")]
    [InlineData("WorkerOverloads", "[BackgroundWorker] public partial void M() { } [BackgroundWorker(Queue = true)] public partial void M(int item) { } void Use() => MWorker.Start();")]
    [InlineData("AsyncTwins", "[BackgroundTask] public partial int M(int x) => x; [BackgroundTask] public partial System.Threading.Tasks.Task<int> MAsync(int x) => System.Threading.Tasks.Task.FromResult(x); void Use() => StartM(1);")]
    public void Invalid_methods_leave_the_compilation_free_of_compiler_errors(string name, string members)
    {
        var (output, driver) = GeneratorHarness.Run(GeneratorHarness.Compile($"using Atasker; namespace Demo; public partial class {name} {{ {members} }}"));

        Assert.Null(driver.GetRunResult().Results.Single().Exception);
        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Fact]
    public void Launchers_of_an_invalid_method_throw_naming_the_error()
    {
        var (_, driver) = GeneratorHarness.Run(GeneratorHarness.Compile(
            "using Atasker; namespace Demo; public partial class ByRef { [BackgroundTask] public partial void Count(int start, ref int total) { } }"));

        Snapshot.Verify("Invalid.ByRef.Count", GeneratorHarness.Generated(driver).Values.Single());
    }

    [Theory]
    [InlineData("public class Plain { [BackgroundTask] public partial int M() => 1; }")]
    [InlineData("public class Outer { public partial class Inner { [BackgroundTask] public partial int M() => 1; } }")]
    [InlineData("file partial class Local { [BackgroundTask] public partial int M() => 1; }")]
    public void Methods_whose_type_cannot_be_extended_generate_nothing(string type)
    {
        var (_, driver) = GeneratorHarness.Run(GeneratorHarness.Compile("using Atasker; namespace Demo; " + type));

        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void Hint_names_are_unique_for_overloads_and_generic_arity()
    {
        const string source = """
            using Atasker;
            namespace Demo;
            public partial class Overloads
            {
                [BackgroundTask] public partial int M(int x) => x;
                [BackgroundTask] public partial int M(long x) => 1;
                [BackgroundTask] public partial int M<T>(T x) => 2;
                [BackgroundTask] public partial int M() => 3;
            }
            """;
        var (output, driver) = GeneratorHarness.Run(GeneratorHarness.Compile(source));

        Assert.Equal(4, GeneratorHarness.Generated(driver).Count);
        Assert.Empty(GeneratorHarness.Problems(output));
    }
    [Theory]
    [InlineData("[BackgroundTask] public partial int M(int x) => x;")]
    [InlineData("[BackgroundTask(Kind = TaskKind.Process)] public static partial int M(int x) => x;")]
    [InlineData("[BackgroundWorker] public partial void M() { }")]
    public void A_method_implemented_twice_leaves_the_error_to_the_compiler(string member)
    {
        // The same method in two files: the compiler reports CS0757; the generator writes one file, whose launchers
        // throw naming that error (calling the method would be ambiguous), and nothing for the process dispatcher.
        string source = "using Atasker; namespace Demo; public partial class Twice { " + member + " }";
        var (output, driver) = GeneratorHarness.Run(GeneratorHarness.Compile(source, source));

        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        var generated = Assert.Single(result.GeneratedSources);
        Assert.StartsWith("Demo.Twice.M", generated.HintName, StringComparison.Ordinal);
        Assert.Contains("until error CS0757 is fixed", generated.SourceText.ToString(), StringComparison.Ordinal);
        var errors = output.GetDiagnostics().Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, error => Assert.Equal(("CS0757", "Source1.cs"), (error.Id, error.Location.SourceTree?.FilePath)));
    }
}
