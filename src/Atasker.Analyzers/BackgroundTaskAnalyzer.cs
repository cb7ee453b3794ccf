using System.Collections.Immutable;
using System.Linq;
using Atasker.Generators.Validation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

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
        DiagnosticDescriptors.StructInstanceWorker);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            foreach (var name in new[] { KnownTypes.BackgroundTaskAttribute, KnownTypes.BackgroundWorkerAttribute })
            {
                if (start.Compilation.GetTypeByMetadataName(name) is { } attributeType)
                {
                    start.RegisterSymbolAction(symbol => AnalyzeMethod(symbol, attributeType), SymbolKind.Method);
                }
            }
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, INamedTypeSymbol attributeType)
    {
        var method = (IMethodSymbol)context.Symbol;
        var attribute = method.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));
        if (attribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).Parent?.Parent is not MethodDeclarationSyntax declaration)
        {
            return;
        }

        // Both parts of a partial method arrive here, each with the merged attributes: check the method once, from
        // the part whose declaration carries the attribute.
        if (!method.Locations.Any(location => location.SourceTree == declaration.SyntaxTree && location.SourceSpan == declaration.Identifier.Span))
        {
            return;
        }

        var check = TaskMethodValidator.Check(method, declaration, attribute, collectDiagnostics: true, context.CancellationToken);
        foreach (var diagnostic in check.Diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }
    }
}
