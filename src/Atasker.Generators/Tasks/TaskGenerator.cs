using Atasker.Generators.Validation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Atasker.Generators.Tasks;

/// <summary>
/// Writes, for every valid <c>[BackgroundTask]</c> partial method, its defining declaration (unless the user wrote
/// it) and the <c>StartX</c> launchers. One model and one file per method, so an edit re-emits only what it touched.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class TaskGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var methods = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.BackgroundTaskAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (attributed, cancellationToken) => Parser.Parse(attributed, cancellationToken))
            .WithTrackingName(TrackingNames.TaskMethods)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.ValidTaskMethods);

        context.RegisterSourceOutput(methods, static (output, model) => output.AddSource(model.HintName, Emitter.Emit(model)));
    }
}
