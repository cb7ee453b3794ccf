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

    [Theory]
    [InlineData("public class Plain { [BackgroundTask] public partial int M() => 1; }")]
    [InlineData("public partial class NotPartialMethod { [BackgroundTask] public int M() => 1; }")]
    [InlineData("public partial class NoBody { [BackgroundTask] public partial int M(); }")]
    [InlineData("public partial class ByRef { [BackgroundTask] public partial void M(ref int x) { } }")]
    [InlineData("public partial class Spans { [BackgroundTask] public partial void M(System.Span<int> x) { } }")]
    [InlineData("public partial class Delays { [BackgroundTask(Delay = -1)] public partial void M() { } }")]
    [InlineData("public partial class Clash { [BackgroundTask] public partial void M() { } public void StartM() { } }")]
    public void Invalid_methods_generate_nothing_and_never_throw(string type)
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
}
