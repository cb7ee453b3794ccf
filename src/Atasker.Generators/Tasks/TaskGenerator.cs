using System.Linq;
using Atasker.Generators.Model;
using Atasker.Generators.Validation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Atasker.Generators.Tasks;

/// <summary>
/// Writes, for every valid <c>[BackgroundTask]</c> partial method, its defining declaration (unless the user wrote
/// it) and the <c>StartX</c> launchers; for every <c>[BackgroundWorker]</c> method, the declaration and the
/// <c>XWorker</c> property. One model and one file per method, so an edit re-emits only what it touched.
/// Process tasks also feed one dispatcher per assembly and, in an app, the worker entry.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class TaskGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var methods = Methods(context, KnownTypes.BackgroundTaskAttribute, TrackingNames.TaskMethods, TrackingNames.ValidTaskMethods);
        context.RegisterSourceOutput(methods, static (output, model) => output.AddSource(model.HintName, Emitter.Emit(model)));

        // Workers go through the same parser (one validation, one model) and emitter; only what is written differs.
        var workers = Methods(context, KnownTypes.BackgroundWorkerAttribute, TrackingNames.WorkerMethods, TrackingNames.ValidWorkerMethods);
        context.RegisterSourceOutput(workers, static (output, model) => output.AddSource(model.HintName, Emitter.Emit(model)));

        // Process tasks and process workers' executions share one dispatcher: both are process tasks by method id.
        var dispatchEntries = DispatchEntries(methods)
            .Combine(DispatchEntries(workers))
            .Select(static (pair, _) => pair.Left.Concat(pair.Right).ToEquatableArray())
            .WithTrackingName(TrackingNames.ProcessDispatchEntries);
        var assembly = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => AssemblyModel.From(compilation, cancellationToken))
            .WithTrackingName(TrackingNames.Assembly);
        context.RegisterSourceOutput(
            dispatchEntries.Combine(assembly),
            static (output, pair) => ProcessDispatchEmitter.Emit(output, pair.Left, pair.Right));
    }

    private static IncrementalValueProvider<System.Collections.Immutable.ImmutableArray<DispatchEntryModel>> DispatchEntries(IncrementalValuesProvider<TaskMethodModel> models) =>
        models
            .Where(static model => model.Process is not null)
            .Select(static (model, _) => new DispatchEntryModel(model.Process!.Id, Emitter.ThisType(model) + "." + model.Process.InvokerName))
            .Collect();

    /// <summary>The valid methods carrying <paramref name="attribute"/>, parsed into models.</summary>
    private static IncrementalValuesProvider<TaskMethodModel> Methods(
        IncrementalGeneratorInitializationContext context,
        string attribute,
        string parsedStep,
        string validStep) =>
        context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (attributed, cancellationToken) => Parser.Parse(attributed, cancellationToken))
            .WithTrackingName(parsedStep)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(validStep);
}
