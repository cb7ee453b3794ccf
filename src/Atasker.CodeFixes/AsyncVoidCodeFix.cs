using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Atasker.Generators.Validation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace Atasker.CodeFixes;

/// <summary>Turns an <c>async void</c> background method into one returning <c>Task</c> (ATSK0004), in every part of
/// a partial method the user wrote.</summary>
[ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(AsyncVoidCodeFix))]
[Shared]
public sealed class AsyncVoidCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.AsyncVoid);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var method = root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<MethodDeclarationSyntax>();
            if (method is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Return Task from '{method.Identifier.ValueText}'",
                    cancellationToken => ReturnTaskAsync(context.Document, method, cancellationToken),
                    equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    private static async Task<Solution> ReturnTaskAsync(Document document, MethodDeclarationSyntax method, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var symbol = model?.GetDeclaredSymbol(method, cancellationToken);

        // The other part of a partial method must change with it; a generated part is regenerated, not edited.
        var parts = new[] { symbol, symbol?.PartialDefinitionPart, symbol?.PartialImplementationPart }
            .Where(part => part is not null)
            .SelectMany(part => part!.DeclaringSyntaxReferences)
            .Distinct()
            .ToList();

        var editor = new SolutionEditor(document.Project.Solution);
        foreach (var reference in parts)
        {
            var partDocument = document.Project.Solution.GetDocument(reference.SyntaxTree);
            if (partDocument is null || await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is not MethodDeclarationSyntax part)
            {
                continue;
            }

            var documentEditor = await editor.GetDocumentEditorAsync(partDocument.Id, cancellationToken).ConfigureAwait(false);
            var task = SyntaxFactory.ParseTypeName("global::System.Threading.Tasks.Task")
                .WithTriviaFrom(part.ReturnType)
                .WithAdditionalAnnotations(Simplifier.Annotation);
            documentEditor.ReplaceNode(part.ReturnType, task);
        }

        return editor.GetChangedSolution();
    }
}
