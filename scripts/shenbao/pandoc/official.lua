-- Pandoc filter: the official look that Markdown cannot say.
--
-- * placeholders and missing-text marks keep a visible character style;
-- * the cover page's title and lines get the cover styles;
-- * tables span the whole type area.

local PLACEHOLDER_STYLE = "Placeholder"
local MISSING_STYLE = "Missing Text"
local COVER_LINES_BEFORE_TITLE = 6

function Span(span)
  if span.classes:includes("placeholder") then
    span.attributes["custom-style"] = PLACEHOLDER_STYLE
    return span
  end
  if span.classes:includes("missing") then
    span.attributes["custom-style"] = MISSING_STYLE
    return span
  end
end

local function styled(style, inlines)
  return pandoc.Div({pandoc.Para(inlines)}, {["custom-style"] = style})
end

local function empty_lines(count)
  return pandoc.RawBlock("openxml", string.rep("<w:p/>", count))
end

function Div(div)
  if not div.classes:includes("cover") then
    return nil
  end
  local blocks = {empty_lines(COVER_LINES_BEFORE_TITLE)}
  for _, block in ipairs(div.content) do
    if block.t == "Header" then
      table.insert(blocks, styled("Title", block.content))
      table.insert(blocks, empty_lines(4))
    elseif block.t == "Para" or block.t == "Plain" then
      table.insert(blocks, styled("Cover Info", block.content))
    else
      table.insert(blocks, block)
    end
  end
  return blocks
end

-- Columns without a width would be sized against a fixed page width; giving each
-- column its share makes the table as wide as the type area.
function Table(tbl)
  local count = #tbl.colspecs
  local total = 0
  for _, spec in ipairs(tbl.colspecs) do
    total = total + (type(spec[2]) == "number" and spec[2] or 0)
  end
  for i, spec in ipairs(tbl.colspecs) do
    local width = type(spec[2]) == "number" and spec[2] or 0
    tbl.colspecs[i] = {spec[1], total > 0 and width / total or 1 / count}
  end
  return tbl
end
