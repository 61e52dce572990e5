-- The Authorization header of a write: writes need a bearer JWT with the role writer (docs/security.md). bench/lib.sh
-- exports TOKEN (signed with the bench's own key pair, trusted by the apps it starts). Usage: auth({...headers}).
local token = os.getenv("TOKEN")
function auth(headers)
  headers = headers or {}
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return headers
end
