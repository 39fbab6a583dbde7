/**
 * An interactive docs page (Swagger UI). Its assets are served under /docs/assets by the
 * composition root, so the page works offline.
 */
export const docsPage = (specUrl: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>BCSC Video API v2</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: "#docs" });
  </script>
</body>
</html>`;
