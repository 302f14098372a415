/* The /api/docs/ page: Swagger UI over our OpenAPI document, from vendored files only. */
"use strict";
(function () {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // The schema is read with the page's session; "Try it out" calls use a bearer token.
    persistAuthorization: false,
    validatorUrl: null, // no badge fetched from the internet
  });
})();
