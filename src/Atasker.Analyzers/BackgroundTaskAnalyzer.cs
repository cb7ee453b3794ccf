using System.Collections.Immutable;
using System.Linq;
using Atasker.Generators.Validation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Atasker.Analyzers;

/// <summary>Reports every misuse of <c>[BackgroundTask]</c> and <c>[BackgroundWorker]</c> that makes the generator skip a
/// method, at the exact place.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BackgroundTaskAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.MethodNotPartial,
        DiagnosticDescriptors.ContainingTypeNotPartial,
        DiagnosticDescriptors.NoImplementation,
        DiagnosticDescriptors.AsyncVoid,
        DiagnosticDescriptors.ByRefParameter,
        DiagnosticDescriptors.UnsupportedParameterType,
        DiagnosticDescriptors.GeneratedNameCollision,
        DiagnosticDescriptors.InvalidTaskDelay,
        DiagnosticDescriptors.UnsupportedReturnType,
        DiagnosticDescriptors.FileLocalContainingType,
        DiagnosticDescriptors.RefStructInstanceMethod,
        DiagnosticDescriptors.InvalidPriority,
        DiagnosticDescriptors.AsyncKindOnSyncBody,
        DiagnosticDescriptors.LoopOnSyncBody,
        DiagnosticDescriptors.LoopWithoutLoopKind,
        DiagnosticDescriptors.ProcessInstanceMethod,
        DiagnosticDescriptors.ProcessGenericMethod,
        DiagnosticDescriptors.ProcessUnsupportedType,
        DiagnosticDescriptors.ProcessUnreachableType,
        DiagnosticDescriptors.BothAttributes,
        DiagnosticDescriptors.QueueAndEvent,
        DiagnosticDescriptors.IntervalConflict,
        DiagnosticDescriptors.QueueWithoutItem,
        DiagnosticDescriptors.WorkerReturnType,
        DiagnosticDescriptors.NegativeQueueCapacity,
        DiagnosticDescriptors.WorkerParameter,
        DiagnosticDescriptors.GenericWorker,
        DiagnosticDescriptors.ProcessWorker,
        DiagnosticDescriptors.StructInstanceWorker,
        DiagnosticDescriptors.CronConflict,
        DiagnosticDescriptors.InvalidCron,
        DiagnosticDescriptors.UnknownTimeZone);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        if (context is null)
        {
            throw new System.ArgumentNullException(nameof(context));
        }

        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var attributeTypes = new[] { KnownTypes.BackgroundTaskAttribute, KnownTypes.BackgroundWorkerAttribute }
                .Select(start.Compilation.GetTypeByMetadataName)
                .Where(type => type is not null)
                .Select(type => type!)
                .ToImmutableArray();
            if (attributeTypes.Length > 0)
            {
                start.RegisterSymbolAction(symbol => AnalyzeType(symbol, attributeTypes), SymbolKind.NamedType);
            }

            if (start.Compilation.GetTypeByMetadataName(KnownTypes.CronWorker) is { } cronWorker)
            {
                start.RegisterOperationAction(operation => AnalyzeCronWorkerCreation(operation, cronWorker), OperationKind.ObjectCreation);
            }
        });
    }

    /// <summary>
    /// Checks every annotated method of a top-level type and the types nested in it. A method's diagnostics may sit on
    /// an enclosing type (one that is not partial), so they are reported from the outermost type: every location is then
    /// inside the symbol being analysed (a local diagnostic, which the IDE updates as the user types and fixes).
    /// </summary>
    private static void AnalyzeType(SymbolAnalysisContext context, ImmutableArray<INamedTypeSymbol> attributeTypes)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.ContainingType is null)
        {
            AnalyzeMembers(context, type, attributeTypes);
        }
    }

    private static void AnalyzeMembers(SymbolAnalysisContext context, INamedTypeSymbol type, ImmutableArray<INamedTypeSymbol> attributeTypes)
    {
        foreach (var member in type.GetMembers())
        {
            switch (member)
            {
                case IMethodSymbol method:
                    foreach (var attributeType in attributeTypes)
                    {
                        AnalyzeMethod(context, method, attributeType);
                    }

                    break;
                case INamedTypeSymbol nested:
                    AnalyzeMembers(context, nested, attributeTypes);
                    break;
            }
        }
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, IMethodSymbol method, INamedTypeSymbol attributeType)
    {
        var attribute = method.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));
        if (attribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).Parent?.Parent is not MethodDeclarationSyntax declaration)
        {
            return;
        }

        // A partial method is one symbol with two parts, whose attributes are merged: check it once, from the part
        // whose declaration carries the attribute.
        if (!method.Locations.Any(location => location.SourceTree == declaration.SyntaxTree && location.SourceSpan == declaration.Identifier.Span)
            && !(method.PartialImplementationPart is { } implementation
                && implementation.Locations.Any(location => location.SourceTree == declaration.SyntaxTree && location.SourceSpan == declaration.Identifier.Span)))
        {
            return;
        }

        var check = TaskMethodValidator.Check(method, declaration, attribute, collectDiagnostics: true, context.CancellationToken);
        foreach (var diagnostic in check.Diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }

        if (check.Worker is { } worker)
        {
            string name = worker.Name ?? method.ContainingType.Name + "." + method.Name;
            var arguments = (attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) as AttributeSyntax)?.ArgumentList?.Arguments;
            Location At(string setting) =>
                arguments?.FirstOrDefault(argument => argument.NameEquals?.Name.Identifier.ValueText == setting)?.GetLocation() ?? declaration.Identifier.GetLocation();
            ReportSchedule(context.ReportDiagnostic, name, worker.Cron, At("Cron"), worker.TimeZone, At("TimeZone"));
        }
    }

    /// <summary><c>new CronWorker(name, cron, body, timeZone)</c> with constant text: checked as the attribute is.</summary>
    private static void AnalyzeCronWorkerCreation(OperationAnalysisContext context, INamedTypeSymbol cronWorker)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (!SymbolEqualityComparer.Default.Equals(creation.Type, cronWorker))
        {
            return;
        }

        IArgumentOperation? Argument(string parameter) => creation.Arguments.FirstOrDefault(argument => argument.Parameter?.Name == parameter);
        string? Constant(IArgumentOperation? argument) => argument?.Value.ConstantValue is { HasValue: true, Value: string text } ? text : null;
        var cron = Argument("cron");
        var timeZone = Argument("timeZone");
        ReportSchedule(context.ReportDiagnostic, Constant(Argument("name")) ?? "(name)", Constant(cron), cron?.Syntax.GetLocation(), Constant(timeZone), timeZone?.Syntax.GetLocation());
    }

    private static void ReportSchedule(System.Action<Diagnostic> report, string worker, string? cron, Location? cronAt, string? timeZone, Location? timeZoneAt)
    {
        if (cron is not null && CronCheck.CronProblem(cron) is { } cronProblem)
        {
            report(Diagnostic.Create(DiagnosticDescriptors.InvalidCron, cronAt, worker, cron, cronProblem));
        }

        if (cron is not null && timeZone is not null && CronCheck.TimeZoneProblem(timeZone) is { } zoneProblem)
        {
            report(Diagnostic.Create(DiagnosticDescriptors.UnknownTimeZone, timeZoneAt, worker, timeZone, zoneProblem));
        }
    }
}
